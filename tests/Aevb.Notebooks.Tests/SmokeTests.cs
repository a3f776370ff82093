namespace Aevb.Notebooks.Tests;

public class SmokeTests
{
    [Fact]
    public void LibraryLoads() => Assert.Equal("Aevb", typeof(Aevb.AssemblyMarker).Assembly.GetName().Name);
}
