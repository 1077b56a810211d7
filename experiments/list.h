/* Every experiment procsim knows, one X(symbol) line each, in `procsim list` order.
 * Each symbol is a `const exp_experiment` defined in its own model file. */
/* guide examples (experiments/guide) */
X(exp_guide_basic_signal)
X(exp_guide_multiple_waiters)
X(exp_guide_barrier)
X(exp_guide_sequential)
X(exp_guide_parallel)
X(exp_guide_first_to_complete)
X(exp_guide_basic_interrupt)
X(exp_guide_resumable_interrupt)
X(exp_guide_interrupt_cause)
X(exp_guide_preemptive_resource)
X(exp_guide_producer_consumer)
X(exp_guide_handshake)
/* queueing models with analytic answers (experiments/queueing) */
X(exp_queueing_mm1)
X(exp_queueing_mmc)
X(exp_queueing_md1)
/* classic models (experiments/classic) */
X(exp_classic_bank_renege)
X(exp_classic_carwash)
X(exp_classic_machine_shop)
X(exp_classic_gas_station)
X(exp_classic_broadcast_pipe)
