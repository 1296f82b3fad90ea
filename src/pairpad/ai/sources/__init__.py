"""Chat context sources: what a chat turn may show the model, as `ContextItem`s.

`base` (the item, the `ContextSource` protocol, `gather_all`), `gate` (secret files stay out
unless attached and confirmed), `request` (active file, selection, pasted errors), `mentions`
(`@file`, `@folder/`), `codebase` (`@codebase`: snippets and a repo map from the codebase
index). `ai/budget.py` fits the gathered items into the model's context window.
"""
