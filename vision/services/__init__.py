"""Writes for the VO trajectory (STYLE.md §2), one module per part:

- `trajectories`: stages, deliverables, progress group, cases, Democratie in Actie costs;
- `meetings`: meetings, invitations with calendar files, attendance, minutes, action items;
- `documents`: the vision document's versions and their status;
- `scans`: the before/after scans: personal links, answers and results.
"""
