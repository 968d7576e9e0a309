from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "continuite.accounts"
    label = "accounts"
    verbose_name = "Comptes"
