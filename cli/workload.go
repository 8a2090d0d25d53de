package cli

import (
	"flag"
	"fmt"
	"os"

	"benchgrid/workload"
)

// workloadFlags are the flags that choose a workload: -workload NAME, and
// the flag of a workload's configuration file (-query FILE), which implies
// its workload.
type workloadFlags struct {
	name   *string
	config map[string]*string // config flag → file
}

// addWorkloadFlags defines -workload and every registered workload's
// configuration flag on fs.
func addWorkloadFlags(fs *flag.FlagSet) *workloadFlags {
	wf := &workloadFlags{
		name:   fs.String("workload", "", fmt.Sprintf("workload: one of %v (default %s, or the one a configuration flag names)", workload.Names(), defaultWorkload())),
		config: map[string]*string{},
	}
	for _, name := range workload.Names() {
		d, _ := workload.Lookup(name)
		if d.ConfigFlag != "" && wf.config[d.ConfigFlag] == nil {
			wf.config[d.ConfigFlag] = fs.String(d.ConfigFlag, "", fmt.Sprintf("`FILE` configuring the %s workload (implies -workload %s)", name, name))
		}
	}
	return wf
}

// spec resolves the flags to a workload.Spec, reading the configuration
// file, and opens it. Every problem is a usage error naming it.
func (wf *workloadFlags) spec() (workload.Spec, workload.Workload, error) {
	name := *wf.name
	var config []byte
	for _, wname := range workload.Names() {
		d, _ := workload.Lookup(wname)
		if d.ConfigFlag == "" || *wf.config[d.ConfigFlag] == "" {
			continue
		}
		if name != "" && name != wname {
			return workload.Spec{}, nil, usagef("-%s configures the %s workload, not -workload %s", d.ConfigFlag, wname, name)
		}
		name = wname
		path := *wf.config[d.ConfigFlag]
		data, err := os.ReadFile(path)
		if err != nil {
			return workload.Spec{}, nil, usageError{err: fmt.Errorf("-%s: %w", d.ConfigFlag, err)}
		}
		if len(data) == 0 {
			return workload.Spec{}, nil, usagef("-%s %s: the file is empty", d.ConfigFlag, path)
		}
		config = data
	}
	if name == "" {
		name = defaultWorkload()
	}
	s := workload.Spec{Name: name, Config: config}
	w, err := s.Open()
	if err != nil {
		if path := wf.configPath(name); path != "" {
			err = fmt.Errorf("%s: %w", path, err)
		}
		return workload.Spec{}, nil, usageError{err: err}
	}
	return s, w, nil
}

// configPath is the configuration file given for workload name, or "".
func (wf *workloadFlags) configPath(name string) string {
	d, err := workload.Lookup(name)
	if err != nil || d.ConfigFlag == "" {
		return ""
	}
	return *wf.config[d.ConfigFlag]
}

// defaultWorkload is the workload a command runs when none is named:
// workload.Default when this binary has it, else the only workload it has
// (a user's binary that registers its own workload and not benchgrid's
// built-in ones).
func defaultWorkload() string {
	if names := workload.Names(); len(names) == 1 {
		return names[0]
	}
	return workload.Default
}
