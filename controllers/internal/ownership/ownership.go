// Package ownership adopts and releases the objects a controller's selector matches,
// as Kubernetes' ControllerRefManager does: an object is owned by at most one
// controller (its controller ownerReference), an orphan that matches is adopted, and
// an owned object that stops matching is released.
package ownership

import (
	"context"
	"encoding/json"
	"errors"
	"sync"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/labels"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers/internal/podutil"
)

// Claimer claims objects of type T for one owner.
type Claimer[T api.Object] struct {
	// Owner and OwnerKind are the controller object and its kind.
	Owner     api.Object
	OwnerKind api.KindInfo
	// Selector selects the objects the owner wants.
	Selector labels.Selector
	// Client patches the objects (in the owner's namespace).
	Client *client.ResourceClient[T]
	// RecheckOwner reads the owner from the API (not a cache) before the first
	// adoption and fails if it is being deleted or was replaced (another uid): an
	// owner must not adopt after its deletion began.
	RecheckOwner func(ctx context.Context) (api.Object, error)
}

// Claim returns the objects of objs the owner owns after adopting the matching
// orphans and releasing the owned objects that no longer match. Objects that vanished
// meanwhile are skipped; other failures are returned, joined, with what was claimed.
func (c Claimer[T]) Claim(ctx context.Context, objs []T) ([]T, error) {
	owner := c.Owner.GetObjectMeta()
	deleting := owner.DeletionTimestamp != nil
	var recheck error
	var once sync.Once
	canAdopt := func() error {
		once.Do(func() {
			fresh, err := c.RecheckOwner(ctx)
			switch {
			case err != nil:
				recheck = err
			case fresh.GetObjectMeta().UID != owner.UID:
				recheck = errors.New("original " + c.OwnerKind.Kind + " " + owner.Namespace + "/" + owner.Name + " is gone: got uid " + fresh.GetObjectMeta().UID + ", wanted " + owner.UID)
			case fresh.GetObjectMeta().DeletionTimestamp != nil:
				recheck = errors.New(c.OwnerKind.Kind + " " + owner.Namespace + "/" + owner.Name + " has just been deleted")
			}
		})
		return recheck
	}
	var claimed []T
	var errs []error
	for _, obj := range objs {
		m := obj.GetObjectMeta()
		matches := c.Selector.Matches(labels.Set(m.Labels))
		ref := podutil.ControllerOf(obj)
		switch {
		case ref != nil && ref.UID != owner.UID:
			// Another controller's.
		case ref != nil && matches:
			claimed = append(claimed, obj)
		case ref != nil && deleting:
			// Ours but no longer matching; an owner being deleted releases nothing.
		case ref != nil:
			if _, err := c.Client.Patch(ctx, m.Name, client.StrategicMergePatchType, releasePatch(owner.UID, m.UID)); err != nil && !client.IsNotFound(err) {
				errs = append(errs, err)
			}
		case !matches || deleting || m.DeletionTimestamp != nil || m.Namespace != owner.Namespace:
			// An orphan we do not want, or cannot take.
		default:
			if err := canAdopt(); err != nil {
				errs = append(errs, err)
				continue
			}
			adopted, err := c.Client.Patch(ctx, m.Name, client.StrategicMergePatchType, adoptPatch(podutil.NewControllerRef(c.Owner, c.OwnerKind), m.UID))
			switch {
			case err == nil:
				claimed = append(claimed, adopted)
			case !client.IsNotFound(err):
				errs = append(errs, err)
			}
		}
	}
	return claimed, errors.Join(errs...)
}

type patchMeta struct {
	Metadata struct {
		OwnerReferences []any  `json:"ownerReferences"`
		UID             string `json:"uid"`
	} `json:"metadata"`
}

// adoptPatch adds ref to the object's ownerReferences, if the object is still uid.
func adoptPatch(ref api.OwnerReference, uid string) []byte {
	var p patchMeta
	p.Metadata.OwnerReferences = []any{ref}
	p.Metadata.UID = uid
	b, _ := json.Marshal(p)
	return b
}

// releasePatch removes the ownerReference to ownerUID, if the object is still uid.
func releasePatch(ownerUID, uid string) []byte {
	var p patchMeta
	p.Metadata.OwnerReferences = []any{map[string]string{"$patch": "delete", "uid": ownerUID}}
	p.Metadata.UID = uid
	b, _ := json.Marshal(p)
	return b
}
