"""Reading submissions and peer exports, and loading them into the store."""
