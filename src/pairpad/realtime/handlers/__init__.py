"""Client → server Socket.IO handlers, one module per feature, registered by the app."""
