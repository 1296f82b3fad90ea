"""Team mode's composition: `pairpad serve` — accounts and teams on a shared database, and
each team workspace served as the local-mode app under `/w/{id}`."""
