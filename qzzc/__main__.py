from qzzc.cli import main

main()
