//! Staff work queues (e-Otinish's registries): what each holds is counted for the navigation.

/// How many open appeals each work queue holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueCounts {
    /// Registered, not yet routed.
    pub awaiting_routing: u64,
    /// Routed to the asking user and still open.
    pub mine: u64,
    /// Due within the "soon" window.
    pub due_soon: u64,
    /// Past their deadline.
    pub overdue: u64,
    /// Drafts waiting for the director's signature.
    pub awaiting_signature: u64,
}
