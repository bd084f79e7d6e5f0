"""Auto-sync: schedules, the scheduler, the sync runner, the browser it starts, start at login."""
