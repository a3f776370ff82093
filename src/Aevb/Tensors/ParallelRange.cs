namespace Aevb.Tensors;

/// <summary>
/// The body of an <see cref="Engine.ParallelFor"/> loop: processes indices <c>[start, end)</c>.
/// Keep one instance (with its spans' owners as fields) and reuse it, so a loop allocates nothing.
/// </summary>
public interface IRangeBody
{
    void Invoke(int start, int end);
}

/// <summary>Splits an index range into chunks claimed by the caller and the GEMM's worker threads.</summary>
internal sealed class RangeJob : PoolJob
{
    [ThreadStatic] private static RangeJob? _current;

    private IRangeBody? _body;
    private int _length, _chunk, _next;

    public static RangeJob Current => _current ??= new RangeJob();

    public void Open(IRangeBody body, int length, int chunk)
    {
        _body = body;
        _length = length;
        _chunk = chunk;
        _next = 0;
        Open();
    }

    public void Clear() => _body = null;

    protected override void Work()
    {
        var body = _body!;
        while (true)
        {
            var start = (long)(Interlocked.Increment(ref _next) - 1) * _chunk;
            if (start >= _length) return;
            body.Invoke((int)start, (int)Math.Min(start + _chunk, _length));
        }
    }

    protected override void Abandon() => Volatile.Write(ref _next, int.MaxValue / 2);
}
