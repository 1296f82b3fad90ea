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
    exclude: list[str] = Field(
        default_factory=list, description="Extra gitignore-style patterns to leave out."
    )
