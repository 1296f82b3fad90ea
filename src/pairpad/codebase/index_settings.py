"""Settings of the codebase index (`[index]` in config.toml, `PAIRPAD_INDEX__*` in the env)."""

from __future__ import annotations

from pydantic import BaseModel, Field

KiB = 1024


class IndexSettings(BaseModel):
    enabled: bool = Field(default=True, description="Build and maintain the codebase index.")
    max_file_size: int = Field(default=1024 * KiB, description="Larger files are skipped.")
    max_files: int = Field(default=100_000, description="Files past this count are skipped.")
    batch_size: int = Field(default=64, description="Files parsed per committed transaction.")
    debounce_ms: int = Field(default=200, description="Quiet time before a change is indexed.")
    minified_line_length: int = Field(
        default=400, description="Average line length above which a file counts as minified."
    )
    chunk_lines: int = Field(default=60, description="Target maximum lines per chunk.")
    repo_map_tokens: int = Field(default=1024, description="Default repo map token budget.")
    embed_batch_size: int = Field(
        default=32, ge=1, le=2048,
        description="Chunks per embedding request (only when ai.roles.embed is set).")
    embed_max_chars: int = Field(
        default=4000, ge=64, description="A chunk's text is cut to this many characters to embed.")
    embed_query_timeout: float = Field(
        default=10.0, gt=0, description="Seconds to wait for a query's embedding before "
        "searching without it.")
    embed_retry_seconds: float = Field(
        default=60.0, ge=0, description="After an embedding failure, try again this much later.")
    lease_ttl_seconds: float = Field(
        default=30.0, ge=1.0, le=600.0, description="Team mode with Redis: how long an "
        "instance's claim on a workspace's index jobs lasts unless renewed (every third of "
        "it); another instance takes the jobs over this long after the holder dies.")
    exclude: list[str] = Field(
        default_factory=list, description="Extra gitignore-style patterns to leave out."
    )
