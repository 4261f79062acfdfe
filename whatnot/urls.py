app_name = "whatnot"

urlpatterns: list = []
