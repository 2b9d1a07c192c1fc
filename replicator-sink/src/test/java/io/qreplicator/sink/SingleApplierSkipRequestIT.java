package io.qreplicator.sink;

/** {@link SkipRequestIT} with one standby connection: the single applier, which filters what it read ahead. */
class SingleApplierSkipRequestIT extends SkipRequestIT {
    @Override
    protected int workers() {
        return 1;
    }
}
