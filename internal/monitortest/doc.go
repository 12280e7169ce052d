// Package monitortest holds the test helpers of the packages that report a
// [vitals.Monitor] (vitalsprom, vitalsotel): checks that return scripted
// results, a monitor on a fake clock, and the monitor of their golden files.
//
// Results carry their own Duration and Time, and the clock starts at [T0],
// so what a reporter exports is the same on every run:
//
//	m, _ := monitortest.New(t)
//	db := monitortest.Script(monitortest.Result(vitals.StatusPass, time.Millisecond, monitortest.T0))
//	monitortest.Add(t, m, "db", db)
//	monitortest.RunOnce(t, m)
//
// # Golden scenario
//
// [Scenario] builds the monitor that vitalsprom's and vitalsotel's golden
// files describe, so that the two exports of one state can be read side by
// side.
package monitortest
