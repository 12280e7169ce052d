package access_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/vitalsgo/vitals/monitor/access"
)

// Pages are public and details need the token: the default of a monitor
// with an auth block that sets only a token.
func ExamplePolicy() {
	p := &access.Policy{Token: "s3cret-token"}
	anonymous := httptest.NewRequest("GET", "/", nil)
	operator := httptest.NewRequest("GET", "/", nil)
	operator.Header.Set("Authorization", "Bearer s3cret-token")
	fmt.Println(p.CanView(anonymous), p.CanSeeDetails(anonymous))
	fmt.Println(p.CanView(operator), p.CanSeeDetails(operator))

	private := &access.Policy{Private: true, Users: map[string]string{"ops": "pa55"}}
	ops := httptest.NewRequest("GET", "/", nil)
	ops.SetBasicAuth("ops", "pa55")
	fmt.Println(private.CanView(anonymous), private.CanView(ops))
	// Output:
	// true false
	// true true
	// false true
}
