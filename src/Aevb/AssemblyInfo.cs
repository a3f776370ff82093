namespace Aevb;

/// <summary>A type to find this assembly by (tests, the notebook runner).</summary>
public static class AssemblyMarker { }
