package blocking_test

import (
	"context"
	"fmt"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/blocking"
)

func ExampleRunner() {
	var run blocking.Runner
	defer run.Close() // waits for the hung call once it is released

	release := make(chan struct{})
	defer close(release)
	hung := func() vitals.Result { // a driver call that takes no context
		<-release
		return vitals.Passf("answered")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	fmt.Println(run.Do(ctx, "read transaction", hung).Message)
	// Output: read transaction did not finish: context deadline exceeded
}
