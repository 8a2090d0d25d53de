package record

import (
	"encoding/json"
	"fmt"
	"time"
)

// StudyVersion is the version of the study.json layout.
const StudyVersion = 1

// File names inside a study folder (results/study-<timestamp>). Each step's
// run folder sits beside them, named after the step (step-1, …, final).
const (
	StudyFile       = "study.json"
	StudyReportFile = "study.md"
	// PresetFile is the recommended configuration as a matrix config file:
	// `benchgrid run -config preset.json` measures it again.
	PresetFile = "preset.json"
)

// Kinds of study step.
const (
	// StepSelection measures the current configuration and every
	// remaining candidate applied to it, and adopts at most one.
	StepSelection = "selection"
	// StepFinal measures the naive baseline, the final configuration and
	// the final configuration built with PGO side by side, with profiles.
	StepFinal = "final"
)

// Trial statuses.
const (
	TrialFaster      = "faster"      // significantly faster than the configuration it was tried on
	TrialSlower      = "slower"      // significantly slower: a failed optimization
	TrialSame        = "same"        // no significant difference (or below the minimum gain)
	TrialFailed      = "failed"      // ran, but samples failed or computed a wrong answer
	TrialUnavailable = "unavailable" // could not run here (parser, build variant)
	TrialSkipped     = "skipped"     // not measured, with the reason
)

// A Study is everything one `benchgrid study` found: the single input of
// its report, study.md.
type Study struct {
	Version int `json:"version"`
	// Complete is false while the study goes on and when it was
	// interrupted; what it holds was measured all the same.
	Complete bool      `json:"complete"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	// Env and Corpus are those of the study's first run.
	Env    Env    `json:"env"`
	Corpus Corpus `json:"corpus"`
	// Count is the number of samples per configuration in every step.
	Count int `json:"count"`
	// Alpha is the significance level of the Mann-Whitney U test;
	// MinGain the smallest relative gain adopted (0.01: 1% faster);
	// Confidence the level of the ratios' intervals, computed by a
	// percentile bootstrap of Resamples resamples seeded with Seed.
	Alpha      float64 `json:"alpha"`
	MinGain    float64 `json:"min_gain"`
	Confidence float64 `json:"confidence"`
	Resamples  int     `json:"resamples"`
	Seed       uint64  `json:"seed"`
	// Baseline is the naive program the study starts from; Final the
	// configuration it ends with (so far, when incomplete).
	Baseline StudyConfig `json:"baseline"`
	Final    StudyConfig `json:"final"`
	// Candidates lists every change the study could try.
	Candidates []StudyChange `json:"candidates"`
	// Adopted lists the changes taken, in the order they were taken.
	Adopted []string    `json:"adopted,omitempty"`
	Steps   []StudyStep `json:"steps"`
	// Result compares the final configuration with the baseline.
	Result *StudyResult `json:"result,omitempty"`
	// Preset is the content of preset.json.
	Preset json.RawMessage `json:"preset,omitempty"`
	// BuildSettings are the build settings (GOEXPERIMENT, GOAMD64, -pgo,
	// …) of the final configuration's binary, when it is a build variant.
	BuildSettings map[string]string `json:"build_settings,omitempty"`
	// Unavailable lists candidates that could not run, with the reason;
	// Skipped those the study was told not to try.
	Unavailable []Unavailable `json:"unavailable,omitempty"`
	Skipped     []Unavailable `json:"skipped,omitempty"`
	Warnings    []string      `json:"warnings,omitempty"`
}

// A StudyConfig is one configuration of the program, with every default
// spelled out as in Cell ("100", "off", "default").
type StudyConfig struct {
	// Name is the cell name of the configuration (see Cell.Name).
	Name       string `json:"name"`
	Parser     string `json:"parser"`
	Strategy   string `json:"strategy"`
	Read       string `json:"read"`
	GOGC       string `json:"gogc"`
	GOMEMLIMIT string `json:"gomemlimit"`
	Build      string `json:"build"`
}

// A StudySetting sets one axis of a configuration to a value ("" for the
// axis's default).
type StudySetting struct {
	Axis  string `json:"axis"`
	Value string `json:"value"`
}

// A StudyChange is one candidate optimization: a set of settings applied
// together, such as parser=jsonv2 with build=jsonv2, or GOGC=off with
// GOMEMLIMIT=1GiB.
type StudyChange struct {
	Name string `json:"name"`
	// Class is the kind of knob: parser, strategy, io, gc or build.
	Class    string         `json:"class"`
	Settings []StudySetting `json:"settings"`
}

// A StudyStep is one measurement of the study: a run of the current
// configuration and of every candidate applied to it, interleaved.
type StudyStep struct {
	Index int    `json:"index"`
	Kind  string `json:"kind"`
	// Run is the step's run folder, relative to the study folder.
	Run string `json:"run,omitempty"`
	// Config is the configuration the candidates were applied to, and
	// Current its figures in this step.
	Config  StudyConfig  `json:"config"`
	Current StudyFigures `json:"current"`
	Trials  []StudyTrial `json:"trials"`
	// Taken names the change adopted, "" when none.
	Taken string `json:"taken,omitempty"`
	// Decision says, in a sentence, what was decided and why.
	Decision  string `json:"decision"`
	Complete  bool   `json:"complete"`
	ElapsedNs int64  `json:"elapsed_ns"`
}

// StudyFigures summarize a configuration's wall times: their median and
// its confidence interval (benchstat's), over N samples.
type StudyFigures struct {
	N        int     `json:"n"`
	MedianNs float64 `json:"median_ns"`
	LoNs     float64 `json:"lo_ns"`
	HiNs     float64 `json:"hi_ns"`
}

// A StudyTrial is one candidate tried on a step's configuration.
type StudyTrial struct {
	Change string `json:"change"`
	Class  string `json:"class"`
	// Config is the configuration measured (empty when not measured).
	Config  StudyConfig  `json:"config"`
	Status  string       `json:"status"`
	Reason  string       `json:"reason,omitempty"`
	Figures StudyFigures `json:"figures"`
	// Ratio is the candidate's median wall time over the step's
	// configuration's: below 1 is faster. Lo and Hi bound its confidence
	// interval (0 when there is none); P is the Mann-Whitney U p-value.
	Ratio   float64 `json:"ratio,omitempty"`
	Lo      float64 `json:"lo,omitempty"`
	Hi      float64 `json:"hi,omitempty"`
	P       float64 `json:"p,omitempty"`
	Adopted bool    `json:"adopted,omitempty"`
}

// StudyResult is the improvement the study found: the original (naive)
// configuration against the optimized one.
type StudyResult struct {
	Original  StudyConfig  `json:"original"`
	Optimized StudyConfig  `json:"optimized"`
	Before    StudyFigures `json:"before"`
	After     StudyFigures `json:"after"`
	// Factor is the original median over the optimized median (2: twice
	// as fast), with its confidence interval [Lo, Hi] (0 when none) and
	// the Mann-Whitney U p-value.
	Factor float64 `json:"factor"`
	Lo     float64 `json:"lo,omitempty"`
	Hi     float64 `json:"hi,omitempty"`
	P      float64 `json:"p,omitempty"`
	// Interleaved is true when both were measured side by side in one
	// run (the final step); false when the figures come from different
	// steps and the factor is only an estimate.
	Interleaved bool `json:"interleaved"`
	// Run is the run folder the figures come from.
	Run string `json:"run,omitempty"`
}

// ReadStudy reads dir's study.json, refusing a file that is not regular
// or is larger than MaxResultsBytes (see ReadInDir).
func ReadStudy(dir string) (*Study, error) {
	return readJSON(dir, StudyFile, func(data []byte) (*Study, error) {
		s := new(Study)
		if err := json.Unmarshal(data, s); err != nil {
			return nil, err
		}
		if s.Version != StudyVersion {
			return nil, fmt.Errorf("version: unknown schema version %d (want %d)", s.Version, StudyVersion)
		}
		return s, nil
	})
}

// WriteStudy writes s as dir's study.json, atomically.
func WriteStudy(dir string, s *Study) error {
	s.Version = StudyVersion
	return writeJSON(dir, StudyFile, s)
}
