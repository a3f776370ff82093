using System.Diagnostics;

namespace Aevb.Tensors;

/// <summary>
/// Work shared with the pool. <see cref="Execute"/> runs on each worker it is posted to, possibly
/// late (a worker woken from sleep), possibly after the job is finished: the job must then do nothing.
/// </summary>
internal interface IParallelJob
{
    void Execute(int index, int count);
}

/// <summary>
/// A tiny persistent thread pool for the GEMM: one background thread per extra core, each spinning
/// briefly after a job (the next product of a training step follows within microseconds) and then
/// sleeping on a semaphore. Posting allocates nothing and costs well under a microsecond while the
/// workers spin, unlike <c>Parallel.For</c> (allocations, several microseconds). The poster does not
/// wait for the workers here: the job decides what to wait for (see <see cref="Sgemm.GemmJob"/>).
/// One poster at a time: a caller that finds the pool busy runs single-threaded instead.
/// </summary>
internal static class WorkerPool
{
    /// <summary>
    /// How long an idle worker spins before it sleeps (AEVB_SPIN_US, default 50 µs): long enough to
    /// bridge the short gaps between the products of one training step, short enough that on a busy machine
    /// the worker does not burn the time slice the scheduler would otherwise give it when work arrives.
    /// At 200 µs the spinning was 4% of the CPU time of a 2-thread MNIST step (perf), spent mostly across
    /// the one long serial gap (the Bernoulli log-likelihood, ~130 µs), which the worker now sleeps through.
    /// </summary>
    private static readonly long SpinTicks = Stopwatch.Frequency * SpinMicroseconds() / 1_000_000;

    private static long SpinMicroseconds()
    {
        var text = Environment.GetEnvironmentVariable("AEVB_SPIN_US");
        return long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var us) && us >= 0
            ? Math.Min(us, 1_000_000)
            : 50;
    }

    private static readonly object Gate = new();
    private static Worker[] _workers = [];

    /// <summary>The pool's back-off after stalls (see <see cref="StallBackoff"/>).</summary>
    private static readonly StallBackoff Backoff = new();

    /// <summary>
    /// Takes the pool for one job; false when another thread holds it, or while backing off after
    /// stalls (then the caller runs the job alone, which on an oversubscribed machine is faster than
    /// waiting for a preempted worker).
    /// </summary>
    public static bool TryEnter() => !Backoff.TrySkip() && Monitor.TryEnter(Gate);

    /// <summary>The caller of a job waited <paramref name="waitTicks"/> for joined workers after working <paramref name="workTicks"/> itself.</summary>
    internal static void ReportWait(long waitTicks, long workTicks) => Backoff.ReportWait(waitTicks, workTicks);

    /// <summary>Parallel jobs run so far, and how many of them stalled on a preempted worker (diagnostics).</summary>
    internal static (long Jobs, long Stalls) Statistics => Backoff.Statistics;

    public static void Exit() => Monitor.Exit(Gate);

    /// <summary>Hands <paramref name="job"/> to <paramref name="workers"/> workers (indices 1..workers); the caller is index 0.</summary>
    public static void Post(IParallelJob job, int workers)
    {
        if (!Monitor.IsEntered(Gate)) throw new InvalidOperationException("Post needs the pool (TryEnter).");
        EnsureWorkers(workers);
        for (var w = 0; w < workers; w++) _workers[w].Post(job, w + 1, workers + 1);
    }

    /// <summary>Bytes allocated so far by the worker threads (as of their last finished job); tests check it stays flat.</summary>
    internal static long WorkerAllocatedBytes()
    {
        long sum = 0;
        foreach (var w in Volatile.Read(ref _workers)) sum += Volatile.Read(ref w.AllocatedBytes);
        return sum;
    }

    private static void EnsureWorkers(int n)
    {
        if (_workers.Length >= n) return;
        var grown = new Worker[n];
        Array.Copy(_workers, grown, _workers.Length);
        for (var i = _workers.Length; i < n; i++) grown[i] = new Worker(i + 1);
        Volatile.Write(ref _workers, grown);
    }

    private sealed class Worker
    {
        private readonly SemaphoreSlim _wake = new(0);
        private IParallelJob? _job;
        private int _index, _count;
        private int _posted;
        private int _sleeping;
        public long AllocatedBytes;

        public Worker(int id)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"Aevb GEMM worker {id}" };
            thread.Start();
        }

        public void Post(IParallelJob job, int index, int count)
        {
            Volatile.Write(ref _job, job);
            _index = index;
            _count = count;
            Interlocked.Increment(ref _posted); // full fence: the fields above are visible first
            if (Interlocked.CompareExchange(ref _sleeping, 0, 1) == 1) _wake.Release();
        }

        private void Loop()
        {
            var seen = 0;
            while (true)
            {
                var posted = Volatile.Read(ref _posted);
                if (posted == seen)
                {
                    if (SpinFor(seen)) continue;
                    // Announce sleep, then re-check so a post between the spin and here is not lost.
                    // A release that arrives after we saw the post leaves the semaphore at 1: the next
                    // wait returns at once and the loop simply checks again.
                    Interlocked.Exchange(ref _sleeping, 1);
                    if (Volatile.Read(ref _posted) == seen) _wake.Wait();
                    Interlocked.Exchange(ref _sleeping, 0);
                    continue;
                }
                seen = posted;
                // If a newer job was posted meanwhile this reads it, and the loop sees that post again:
                // a job tolerates a repeated or late Execute (it checks whether it is still open).
                var job = Volatile.Read(ref _job);
                try
                {
                    job?.Execute(_index, _count);
                }
                catch
                {
                    // Jobs report their own failures to the poster; never let one kill the worker.
                }
                Volatile.Write(ref AllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
            }
        }

        private bool SpinFor(int seen)
        {
            var start = Stopwatch.GetTimestamp();
            var i = 0;
            while (Volatile.Read(ref _posted) == seen)
            {
                Thread.SpinWait(16);
                if ((++i & 63) == 0)
                {
                    if (Stopwatch.GetTimestamp() - start > SpinTicks) return false;
                    if ((i & 1023) == 0) Thread.Yield(); // let a co-scheduled thread run on a busy machine
                }
            }
            return true;
        }
    }
}

/// <summary>
/// Back-off after a stall: after a job whose caller waited long for a worker that lost its core, the
/// next jobs run on the caller alone before the workers are tried again. An instance, not statics, so
/// that tests exercise the policy on their own copy and never change what the shared pool does for
/// tests running beside them.
/// </summary>
internal sealed class StallBackoff
{
    private static readonly long StallMinTicks = Stopwatch.Frequency / 20_000; // 50 µs

    private int _skip;
    private int _backoff;
    private long _jobs, _stalls;

    /// <summary>True (and one job fewer to skip) while backing off: the caller should run the job alone.</summary>
    public bool TrySkip()
    {
        if (Volatile.Read(ref _skip) <= 0) return false;
        Interlocked.Decrement(ref _skip);
        return true;
    }

    /// <summary>
    /// The caller of a job waited <paramref name="waitTicks"/> for joined workers after working
    /// <paramref name="workTicks"/> itself. A wait longer than a quarter of the work (and 50 µs) means a
    /// worker lost its core mid-job; back off for 16, 32, … up to 1024 jobs, reset by a job without one.
    /// </summary>
    public void ReportWait(long waitTicks, long workTicks)
    {
        Interlocked.Increment(ref _jobs);
        if (waitTicks > StallMinTicks && waitTicks * 4 > workTicks)
        {
            Interlocked.Increment(ref _stalls);
            var backoff = Math.Min(Math.Max(2 * _backoff, 16), 1024);
            _backoff = backoff;
            Volatile.Write(ref _skip, backoff);
        }
        else
        {
            _backoff = 0;
        }
    }

    /// <summary>Jobs still to run on the caller alone.</summary>
    public int Remaining => Volatile.Read(ref _skip);

    /// <summary>Jobs reported so far, and how many of them stalled.</summary>
    public (long Jobs, long Stalls) Statistics => (Interlocked.Read(ref _jobs), Interlocked.Read(ref _stalls));
}
