package e2e

import (
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// LoadResult is what a bounded load run measured.
type LoadResult struct {
	Requests  int
	Errors    int
	Elapsed   time.Duration
	Latencies []time.Duration // sorted
}

// PerSecond is the throughput of successful requests.
func (r LoadResult) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests-r.Errors) / r.Elapsed.Seconds()
}

// Percentile returns the latency under which p (0..1) of the requests completed.
func (r LoadResult) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(p*float64(len(r.Latencies))+0.5) - 1
	return r.Latencies[min(max(i, 0), len(r.Latencies)-1)]
}

// Hammer runs do from clients goroutines until duration has passed or
// maxRequests were sent, whichever comes first: every run is bounded.
// do receives a shared keep-alive client and the request number.
func Hammer(clients int, duration time.Duration, maxRequests int, do func(c *http.Client, i int) error) LoadResult {
	client := &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        clients,
			MaxIdleConnsPerHost: clients,
			MaxConnsPerHost:     clients,
		},
	}
	defer client.CloseIdleConnections()

	var (
		next      atomic.Int64
		errors    atomic.Int64
		mu        sync.Mutex
		latencies = make([]time.Duration, 0, 1<<16)
		wg        sync.WaitGroup
	)
	deadline := time.Now().Add(duration)
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 1024)
			for time.Now().Before(deadline) {
				i := int(next.Add(1)) - 1
				if i >= maxRequests {
					break
				}
				begin := time.Now()
				if err := do(client, i); err != nil {
					errors.Add(1)
				}
				local = append(local, time.Since(begin))
			}
			mu.Lock()
			latencies = append(latencies, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(latencies)
	return LoadResult{Requests: len(latencies), Errors: int(errors.Load()), Elapsed: elapsed, Latencies: latencies}
}
