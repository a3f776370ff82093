namespace Aevb.Training;

/// <summary>The mean of the training objective since the last <see cref="Reset"/> (NaN before any value).</summary>
public sealed class RunningMean
{
    private double _sum;

    public long Count { get; private set; }

    public double Mean => Count == 0 ? double.NaN : _sum / Count;

    public void Add(double value)
    {
        _sum += value;
        Count++;
    }

    public void Reset()
    {
        _sum = 0;
        Count = 0;
    }
}
