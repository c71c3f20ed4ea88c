"""Building, gating, publishing, listing, downloading and diffing releases."""
