"""Sub-venues together (issue 23): other portals' public schedules, read and kept read-only."""
