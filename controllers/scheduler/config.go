package scheduler

import (
	"fmt"
	"os"

	"sigs.k8s.io/yaml"

	"github.com/orrery-dev/orrery/controllers/scheduler/framework"
	"github.com/orrery-dev/orrery/controllers/scheduler/plugins"
)

// Configuration is the scheduler's configuration file, shaped like
// KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1): one profile per
// scheduler name, with plugins enabled and disabled (with score weights) and
// percentageOfNodesToScore.
type Configuration struct {
	APIVersion               string    `json:"apiVersion,omitempty"`
	Kind                     string    `json:"kind,omitempty"`
	PercentageOfNodesToScore *int32    `json:"percentageOfNodesToScore,omitempty"`
	Parallelism              *int32    `json:"parallelism,omitempty"`
	Profiles                 []Profile `json:"profiles,omitempty"`
}

// Profile configures one scheduler name.
type Profile struct {
	SchedulerName            string       `json:"schedulerName,omitempty"`
	PercentageOfNodesToScore *int32       `json:"percentageOfNodesToScore,omitempty"`
	Plugins                  *PluginSet   `json:"plugins,omitempty"`
	PluginConfig             []PluginArgs `json:"pluginConfig,omitempty"`
}

// PluginSet enables and disables plugins for every extension point ("multiPoint"),
// and sets score weights.
type PluginSet struct {
	MultiPoint PluginList `json:"multiPoint,omitempty"`
	Score      PluginList `json:"score,omitempty"`
	Filter     PluginList `json:"filter,omitempty"`
}

// PluginList is what a configuration says of a set of plugins.
type PluginList struct {
	Enabled  []PluginRef `json:"enabled,omitempty"`
	Disabled []PluginRef `json:"disabled,omitempty"`
}

// PluginRef names a plugin ("*" in Disabled means every default plugin).
type PluginRef struct {
	Name   string `json:"name"`
	Weight *int32 `json:"weight,omitempty"`
}

// PluginArgs carries a plugin's arguments; NodeResourcesFit takes
// scoringStrategy.type (LeastAllocated or MostAllocated).
type PluginArgs struct {
	Name string `json:"name"`
	Args struct {
		ScoringStrategy *struct {
			Type string `json:"type"`
		} `json:"scoringStrategy,omitempty"`
	} `json:"args"`
}

// LoadConfiguration reads a configuration file.
func LoadConfiguration(path string) (*Configuration, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c Configuration
	if err := yaml.UnmarshalStrict(data, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if c.Kind != "" && c.Kind != "KubeSchedulerConfiguration" {
		return nil, fmt.Errorf("%s: kind %q is not KubeSchedulerConfiguration", path, c.Kind)
	}
	return &c, nil
}

// Options turns the configuration into the options of each profile's scheduler.
// extra are plugins a program adds by name (they run only where a profile enables
// them); namespaceLabels serves InterPodAffinity's namespace selectors.
func (c *Configuration) Options(extra map[string]framework.Plugin, namespaceLabels func(string) map[string]string) ([]Options, error) {
	profiles := c.Profiles
	if len(profiles) == 0 {
		profiles = []Profile{{}}
	}
	var out []Options
	for _, p := range profiles {
		o := Options{SchedulerName: p.SchedulerName}
		if pct := firstOf(p.PercentageOfNodesToScore, c.PercentageOfNodesToScore); pct != nil {
			o.PercentageOfNodesToScore = *pct
		}
		if c.Parallelism != nil {
			o.Parallelism = int(*c.Parallelism)
		}
		ps, err := p.plugins(extra, namespaceLabels)
		if err != nil {
			return nil, fmt.Errorf("profile %q: %w", p.SchedulerName, err)
		}
		o.Plugins = ps
		out = append(out, o)
	}
	return out, nil
}

func firstOf(vs ...*int32) *int32 {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}

func (p Profile) plugins(extra map[string]framework.Plugin, namespaceLabels func(string) map[string]string) ([]WeightedPlugin, error) {
	defaults := DefaultPlugins(namespaceLabels)
	for _, pc := range p.PluginConfig {
		if pc.Name != plugins.NameNodeResourcesFit || pc.Args.ScoringStrategy == nil {
			continue
		}
		strategy := plugins.ScoringStrategy(pc.Args.ScoringStrategy.Type)
		if strategy != plugins.LeastAllocated && strategy != plugins.MostAllocated {
			return nil, fmt.Errorf("NodeResourcesFit: scoringStrategy.type %q is not LeastAllocated or MostAllocated", strategy)
		}
		for i := range defaults {
			if defaults[i].Plugin.Name() == plugins.NameNodeResourcesFit {
				defaults[i].Plugin = plugins.NodeResourcesFit{Strategy: strategy}
			}
		}
	}
	if p.Plugins == nil {
		return defaults, nil
	}
	var lists []PluginList
	lists = append(lists, p.Plugins.MultiPoint, p.Plugins.Filter, p.Plugins.Score)
	disabled := map[string]bool{}
	for _, l := range lists {
		for _, d := range l.Disabled {
			disabled[d.Name] = true
		}
	}
	var out []WeightedPlugin
	for _, d := range defaults {
		if !disabled["*"] && !disabled[d.Plugin.Name()] {
			out = append(out, d)
		}
	}
	for _, l := range lists {
		for _, e := range l.Enabled {
			i := -1
			for j := range out {
				if out[j].Plugin.Name() == e.Name {
					i = j
				}
			}
			if i < 0 {
				pl, ok := extra[e.Name]
				if !ok {
					for _, d := range defaults {
						if d.Plugin.Name() == e.Name {
							pl = d.Plugin
						}
					}
				}
				if pl == nil {
					return nil, fmt.Errorf("plugin %q is not known", e.Name)
				}
				out = append(out, WeightedPlugin{Plugin: pl, Weight: 1})
				i = len(out) - 1
			}
			if e.Weight != nil {
				out[i].Weight = int64(*e.Weight)
			}
		}
	}
	return out, nil
}
