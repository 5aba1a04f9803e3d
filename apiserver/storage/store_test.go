package storage_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/apiserver/storage"
	"github.com/orrery-dev/orrery/apiserver/storage/storagetest"
	"github.com/orrery-dev/orrery/internal/testutil"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func newHarness(t *testing.T) storagetest.Harness {
	e := testutil.StartEtcd(t)
	s, err := storage.New(storage.Config{
		Client:  e.Client,
		Prefix:  e.Prefix + "/widgets",
		NewFunc: storagetest.NewWidget,
		Attrs:   storagetest.WidgetAttrs,
	})
	if err != nil {
		t.Fatalf("storage.New: %v", err)
	}
	return storagetest.Harness{
		Store:           s,
		Client:          e.Client,
		EtcdPrefix:      e.Prefix + "/widgets/",
		RequestProgress: s.RequestProgress,
		SharedEtcd:      e.External,
	}
}

func TestStoreConformance(t *testing.T) {
	storagetest.Run(t, newHarness)
}
