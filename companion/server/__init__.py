"""aiohttp app: Host/Origin/same-origin guards, the two WebSocket channels, the JSON API, the view."""
