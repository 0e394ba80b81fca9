// Package rapports builds, stores and announces the monthly activity
// reports of the structures, and lists them for the workspace.
package rapports
