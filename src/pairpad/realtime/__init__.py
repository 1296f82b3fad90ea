"""The Socket.IO transport at the edge: the adapter that delivers bus events to rooms
(`socketio_adapter`) and the client → server handlers (`handlers/`), registered by the app
beside the routers. Services never import it; they publish to `pairpad.events`."""
