package io.qreplicator.sink;

/** Every case of {@link MergedApplyIT} with four standby connections applying at once. */
class ParallelMergedApplyIT extends MergedApplyIT {
    @Override
    protected int workers() {
        return 4;
    }
}
