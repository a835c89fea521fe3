"""Mentoring: consented, explained pairings of early-career members with mentors."""
