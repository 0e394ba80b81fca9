// Package app is the one wiring point: Register binds every hook, job and
// route of Atelier to a PocketBase app (the route table is in routes.go) and
// Commands lists the command-line verbs. Its tests are the black-box tests
// of the whole application, through the REST API and the pages.
package app
