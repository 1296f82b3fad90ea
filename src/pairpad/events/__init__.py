"""The server's event contract, below every service: typed events (`models`), the in-process
bus (`bus`), sequenced logs for replay (`log`) and their JSON Schema (`schema`, for the front
end's generated types). Services publish here; `realtime/` delivers to Socket.IO clients."""
