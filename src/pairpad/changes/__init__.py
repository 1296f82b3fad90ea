"""AI changes to the workspace (issue 13): the edit engine's plans written through the file
service as change sets to review hunk by hunk, with checkpoints in a shadow git repository."""
