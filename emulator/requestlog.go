package emulator

import (
	"encoding/json"
	"io"
	"sync"
)

// requestLog writes one JSON line per request to its sinks, secrets masked.
type requestLog struct {
	mu    sync.Mutex
	sinks []io.Writer
}

func (l *requestLog) write(entry map[string]any) {
	if l == nil {
		return
	}
	line, err := json.Marshal(entry)
	if err != nil {
		return
	}
	line = append(line, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.sinks {
		_, _ = s.Write(line)
	}
}
