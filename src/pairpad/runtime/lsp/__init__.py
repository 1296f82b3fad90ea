"""Language servers (LSP) run as managed processes and bridged to the editor: settings,
JSON-RPC framing, one client per server, and the manager that starts, routes and restarts."""
