"""The codebase index: what the project's code is, for the editor and the AI alike.

A walker (`walker`, under the workspace's visibility policy), the indexer (`indexer`,
`analyze`: tree-sitter `parsing`, `tags`, `chunks`) into a SQLite `store`, and what reads it:
`symbols` (definitions, references, outline, workspace symbols), `repomap` (PageRank over
the tag graph), `retrieval` (BM25, symbol and path signals, plus `embeddings` when an
embedding function is injected), and `service` (`ContextService`, the facade). Settings:
`index_settings` (`[index]`). It sits below `pairpad.ai` and never imports it: the chat's
`@codebase` source is `pairpad.ai.sources.codebase`.
"""
