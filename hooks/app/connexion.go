package app

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// DBCacheKiB is the page cache of each SQLite connection. PocketBase's
// default, 32 MB, is kept by every idle connection of the pool (15 by
// default): on a region's 4 GB database read from many connections under
// load, those caches alone held hundreds of megabytes of the server's
// memory. The operating system's file cache, shared and outside the
// process, keeps the pages read often; each connection keeps 4 MB.
const DBCacheKiB = 4000

// DBConnect opens the data and auxiliary databases with PocketBase's
// pragmas (core.DefaultDBConnect), but for the smaller page cache.
func DBConnect(dbPath string) (*dbx.DB, error) {
	// busy_timeout comes first: a connection must wait on a busy database
	// before it switches to WAL, in case another one is doing it.
	pragmas := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)" +
		fmt.Sprintf("&_pragma=cache_size(-%d)", DBCacheKiB) + "&_defensive=1"
	db, err := dbx.Open("sqlite", dbPath+pragmas)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dbPath, err)
	}
	return db, nil
}

var _ core.DBConnectFunc = DBConnect // what pocketbase.Config.DBConnect takes
