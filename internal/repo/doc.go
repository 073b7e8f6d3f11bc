// Package repo holds tests about the repository itself rather than about
// meshcheck's code: what may be tracked in Git. It has no code and must not
// get any; nothing imports it.
package repo
