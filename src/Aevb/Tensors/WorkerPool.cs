using System.Diagnostics;

namespace Aevb.Tensors;

/// <summary>A unit of parallel work: participant <c>index</c> of <c>count</c> does its share.</summary>
internal interface IParallelJob
{
    void Execute(int index, int count);
}

/// <summary>
/// A tiny persistent thread pool for the GEMM: one background thread per extra core, each spinning
/// briefly after a job (the next product of a training step follows within microseconds) and then
/// sleeping on a semaphore. Posting a job allocates nothing and costs well under a microsecond when
/// the workers are spinning, unlike <c>Parallel.For</c> (allocations, several microseconds).
/// One job at a time: a caller that finds the pool busy (another thread is in a product) runs
/// single-threaded instead of waiting.
/// </summary>
internal static class WorkerPool
{
    /// <summary>How long an idle worker spins before it goes to sleep.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 2000; // 0.5 ms

    private static readonly object Gate = new();
    private static Worker[] _workers = [];
    private static int _remaining;
    private static Exception? _error;

    /// <summary>
    /// Runs <paramref name="job"/> on <paramref name="count"/> participants (the caller is index 0) and
    /// returns when all are done; false (nothing run) when the pool is busy with another caller's job.
    /// </summary>
    public static bool TryRun(IParallelJob job, int count)
    {
        if (count <= 1) throw new ArgumentOutOfRangeException(nameof(count));
        if (!Monitor.TryEnter(Gate)) return false;
        try
        {
            EnsureWorkers(count - 1);
            _error = null;
            Volatile.Write(ref _remaining, count - 1);
            for (var w = 0; w < count - 1; w++) _workers[w].Post(job, w + 1, count);
            Exception? mine = null;
            try
            {
                job.Execute(0, count);
            }
            catch (Exception e)
            {
                mine = e;
            }
            var spin = new SpinWait();
            while (Volatile.Read(ref _remaining) != 0) spin.SpinOnce(sleep1Threshold: -1);
            var error = mine ?? _error;
            if (error is not null) throw new AggregateException("A GEMM worker failed.", error);
        }
        finally
        {
            Monitor.Exit(Gate);
        }
        return true;
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
            _job = job;
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
                if (Volatile.Read(ref _posted) == seen && !SpinFor(seen))
                {
                    // Announce sleep, then re-check so a post between the spin and here is not lost.
                    // A release that arrives after we saw the post leaves the semaphore at 1: the next
                    // wait returns at once and the loop simply checks again.
                    Interlocked.Exchange(ref _sleeping, 1);
                    if (Volatile.Read(ref _posted) == seen) _wake.Wait();
                    Interlocked.Exchange(ref _sleeping, 0);
                    continue;
                }
                seen = Volatile.Read(ref _posted);
                try
                {
                    _job!.Execute(_index, _count);
                }
                catch (Exception e)
                {
                    _error = e;
                }
                _job = null;
                Volatile.Write(ref AllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
                Interlocked.Decrement(ref _remaining);
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
