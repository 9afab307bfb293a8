//go:build unix

// Command pagefault prints what a first touch of a fresh 4 KiB page of
// anonymous memory costs here. Start-up is mostly such touches (heap,
// data, stacks) and page-ins of the code that package inits run, so this
// explains why the same binary starts in 6 ms on one machine and 16 on
// another.
package main

import (
	"fmt"
	"syscall"
	"time"
)

func main() {
	const pages = 2000
	mem, err := syscall.Mmap(-1, 0, pages*4096, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		panic(err)
	}
	start := time.Now()
	for i := 0; i < pages; i++ {
		mem[i*4096] = 1
	}
	fmt.Printf("%.1f\n", float64(time.Since(start).Nanoseconds())/pages/1000)
}
