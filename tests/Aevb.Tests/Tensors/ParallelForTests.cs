using Aevb.Tensors;

namespace Aevb.Tests.Tensors;

public class ParallelForTests
{
    private sealed class CountVisits(int length) : IRangeBody
    {
        public readonly int[] Visits = new int[length];
        public int Calls;

        public void Invoke(int start, int end)
        {
            Interlocked.Increment(ref Calls);
            for (var i = start; i < end; i++) Interlocked.Increment(ref Visits[i]);
        }
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(17, 1)]
    [InlineData(1000, 16)]
    [InlineData(100_003, 1024)]
    [InlineData(100_003, 1 << 20)]
    public void VisitsEveryIndexExactlyOnce(int length, int minChunk)
    {
        var body = new CountVisits(length);
        Engine.ParallelFor(length, body, minChunk);
        Assert.All(body.Visits, v => Assert.Equal(1, v));
        if (length > 0 && length < 2 * minChunk) Assert.Equal(1, body.Calls); // too short to split
    }

    private sealed class Throws : IRangeBody
    {
        public void Invoke(int start, int end)
        {
            if (end > 1000) throw new InvalidOperationException("boom"); // every split has such a chunk
        }
    }

    [Fact]
    public void AFailureInAChunkReachesTheCaller()
    {
        var e = Assert.ThrowsAny<Exception>(() => Engine.ParallelFor(1 << 16, new Throws(), minChunk: 64));
        var inner = e is AggregateException a ? a.InnerException : e;
        Assert.Equal("boom", inner!.Message);
        // The pool is usable afterwards.
        var body = new CountVisits(5000);
        Engine.ParallelFor(5000, body, 16);
        Assert.All(body.Visits, v => Assert.Equal(1, v));
    }

    [Fact]
    public void ConcurrentCallersAllComplete()
    {
        var bodies = Enumerable.Range(0, 4).Select(_ => new CountVisits(50_000)).ToArray();
        var threads = bodies.Select(b => new Thread(() =>
        {
            for (var r = 0; r < 20; r++) Engine.ParallelFor(b.Visits.Length, b, 256);
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        foreach (var b in bodies) Assert.All(b.Visits, v => Assert.Equal(20, v));
    }
}

public class WorkerPoolBackoffTests
{
    /// <summary>On a back-off of its own: the shared pool's, process-wide, is left to the tests running beside this one.</summary>
    [Fact]
    public void AStalledJobMakesTheNextJobsRunOnTheCaller()
    {
        var backoff = new StallBackoff();
        Assert.False(backoff.TrySkip());
        backoff.ReportWait(waitTicks: System.Diagnostics.Stopwatch.Frequency, workTicks: 1); // one second of waiting
        Assert.Equal(16, backoff.Remaining);
        for (var i = 0; i < 16; i++) Assert.True(backoff.TrySkip());
        Assert.False(backoff.TrySkip());
        backoff.ReportWait(System.Diagnostics.Stopwatch.Frequency, 1); // stalls in a row back off longer
        Assert.Equal(32, backoff.Remaining);
        backoff.ReportWait(0, 1); // a clean job resets the growth, not the jobs still to skip
        Assert.Equal(32, backoff.Remaining);
        backoff.ReportWait(System.Diagnostics.Stopwatch.Frequency, 1);
        Assert.Equal(16, backoff.Remaining);
        Assert.Equal((4L, 3L), backoff.Statistics);
    }
}
