"""Server → client events at the edge: typed events (`events`), the in-process bus (`bus`),
sequenced logs for replay (`log`), the Socket.IO transport (`socketio_adapter`) and its
client → server handlers (`handlers/`). Services import `events` and `bus` only."""
