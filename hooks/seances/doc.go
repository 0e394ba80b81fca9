// Package seances holds the session rules and read models: places left
// and the waiting list, when registration and attendance are open, the
// public listings (home page, structure page, calendar), the dashboard,
// and planning, editing and cancelling sessions (also as a series).
package seances
