package main

import (
	"context"
	"errors"
)

var errTodo = errors.New("not written yet")

func kill(ctx context.Context, o options) (string, any, error)      { return "", nil, errTodo }
func stopCont(ctx context.Context, o options) (string, any, error)  { return "", nil, errTodo }
func cut(ctx context.Context, o options) (string, any, error)       { return "", nil, errTodo }
func pgRestart(ctx context.Context, o options) (string, any, error) { return "", nil, errTodo }
func rolling(ctx context.Context, o options) (string, any, error)   { return "", nil, errTodo }
func shared(ctx context.Context, o options) (string, any, error)    { return "", nil, errTodo }
func bench(ctx context.Context, o options) (string, any, error)     { return "", nil, errTodo }
