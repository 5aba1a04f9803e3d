// Package e2e holds end-to-end tests that run the orrery binary as a process and drive
// it with the real kubectl, as a user would.
package e2e
