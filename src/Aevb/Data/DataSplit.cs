namespace Aevb.Data;

/// <summary>Which part of a data set.</summary>
public enum DataSplit
{
    Train,
    Test,
}
