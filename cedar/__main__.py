from cedar.cli import main

main()
