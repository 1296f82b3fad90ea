"""A real MCP server for the tests, built with the SDK's MCPServer (FastMCP in mcp 1.x).

`python tests/support/mcp_server.py` speaks stdio; `--http PORT` serves streamable HTTP on
127.0.0.1:PORT/mcp. Tools: echo, add, env_keys (the names in its environment, so a test can
check what the client let through), cwd, header (an HTTP request header's value), grow (adds
the tool `shout` and sends notifications/tools/list_changed), fail (raises), crash (exits with
code 3), sleep.
"""

from __future__ import annotations

import asyncio
import os
import sys

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError

server: MCPServer = MCPServer("pairpad-test")


@server.tool()
def echo(text: str) -> str:
    """Returns the text."""
    return text


@server.tool()
def add(a: int, b: int) -> int:
    """Adds two integers."""
    return a + b


@server.tool()
def env_keys() -> str:
    """The names of the server's environment variables, one a line."""
    return "\n".join(sorted(os.environ))


@server.tool()
def cwd() -> str:
    """The server's working directory."""
    return os.getcwd()


@server.tool()
def header(name: str, ctx: Context) -> str:
    """The value of an HTTP request header ("" when absent or on stdio)."""
    return (ctx.headers or {}).get(name.lower(), "")


def shout(text: str) -> str:
    """Upper-cases the text."""
    return text.upper()


@server.tool()
async def grow(ctx: Context) -> str:
    """Adds the tool `shout` and tells the client its tool list changed."""
    server.add_tool(shout, name="shout")
    await ctx.session.send_tool_list_changed()
    return "added shout"


@server.tool()
def fail(message: str) -> str:
    """Always raises (a tool error the client is told about)."""
    raise ToolError(message)


@server.tool()
def crash() -> str:
    """Ends the server's process mid-call."""
    print("crashing on purpose", file=sys.stderr, flush=True)
    os._exit(3)


@server.tool()
async def sleep(seconds: float) -> str:
    """Sleeps, then says so."""
    await asyncio.sleep(seconds)
    return f"slept {seconds}"


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--http":
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]))
    else:
        server.run()
