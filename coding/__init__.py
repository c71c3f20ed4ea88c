"""The coding assist: rules over a news report that propose coded events, with the sentences they rest on."""

VERSION = "0.1"
CODER = f"cedar code {VERSION} (rule-based coding assist)"
