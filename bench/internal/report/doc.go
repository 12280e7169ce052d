// Package report holds the results of a side-by-side benchmark run and
// renders them.
//
// # Results
//
// [Results] is everything one run measured, one row type per scenario, with
// the raw values of every repetition; [Results.Write] and [Read] keep it as
// JSON so that the documentation can be rendered again without measuring
// again.
//
// # Rendering
//
// [Markdown] writes the side-by-side section of docs/benchmarks.md: the
// machine, the targets of issue 7 and whether each is met, a table per
// scenario with medians and min–max over the repetitions, and what each
// peer cannot express. [UpdateMarkdown] replaces only the part between
// [BeginMarker] and [EndMarker], so the hand-written rest of the file stays.
// [Charts] writes one PNG bar chart per scenario beside it.
package report
