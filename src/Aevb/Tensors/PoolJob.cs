namespace Aevb.Tensors;

/// <summary>
/// A job shared with the <see cref="WorkerPool"/> whose work is claimed in units from shared counters.
/// Participants join while it is open; the caller works too, then closes it once every joined worker
/// has left. A worker that wakes late finds it closed and touches nothing, so the caller never waits
/// for a thread that is not running (it simply does that share itself).
/// </summary>
internal abstract class PoolJob : IParallelJob
{
    private int _state = -1; // -1: closed; n >= 0: open with n participants inside
    private Exception? _error;

    /// <summary>Claims and does units until none are left.</summary>
    protected abstract void Work();

    /// <summary>After a failure: make every remaining claim come back empty so all participants leave.</summary>
    protected abstract void Abandon();

    /// <summary>Call after setting up the work (publishes it to joiners).</summary>
    protected void Open()
    {
        _error = null;
        Volatile.Write(ref _state, 0);
    }

    /// <summary>Worker side: join if still open, work, leave.</summary>
    public void Execute(int index, int count)
    {
        if (!TryJoin()) return;
        try
        {
            Work();
        }
        catch (Exception e)
        {
            _error = e;
            Abandon();
        }
        finally
        {
            Interlocked.Decrement(ref _state);
        }
    }

    /// <summary>
    /// Caller side: work, then wait only for workers that joined, then close; rethrows a failure.
    /// A long wait (a worker preempted in the middle of a unit: the machine is oversubscribed) is
    /// reported to the pool, which then runs the next jobs on the caller alone for a while.
    /// </summary>
    public void RunAsCaller(string failure)
    {
        Exception? mine = null;
        TryJoin();
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            Work();
        }
        catch (Exception e)
        {
            mine = e;
            Abandon();
        }
        Interlocked.Decrement(ref _state);
        var worked = System.Diagnostics.Stopwatch.GetTimestamp();
        if (Interlocked.CompareExchange(ref _state, -1, 0) != 0)
        {
            var spin = new SpinWait();
            while (Interlocked.CompareExchange(ref _state, -1, 0) != 0) spin.SpinOnce(sleep1Threshold: -1);
            WorkerPool.ReportWait(System.Diagnostics.Stopwatch.GetTimestamp() - worked, worked - start);
        }
        else
        {
            WorkerPool.ReportWait(0, worked - start);
        }
        var error = mine ?? _error;
        if (error is not null) throw new AggregateException(failure, error);
    }

    private bool TryJoin()
    {
        while (true)
        {
            var s = Volatile.Read(ref _state);
            if (s < 0) return false;
            if (Interlocked.CompareExchange(ref _state, s + 1, s) == s) return true;
        }
    }
}
