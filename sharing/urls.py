"""URLs of shared funds, assets and teaching resources (统筹与共享)."""

from django.urls import path

from . import views

app_name = "sharing"

urlpatterns = [
    # Funds
    path("funds/", views.FundsOverviewView.as_view(), name="funds"),
    path("budgets/", views.BudgetListView.as_view(), name="budget_list"),
    path("budgets/new/", views.BudgetCreateView.as_view(), name="budget_create"),
    path("budgets/<int:pk>/", views.BudgetDetailView.as_view(), name="budget_detail"),
    path("budgets/<int:pk>/edit/", views.BudgetUpdateView.as_view(), name="budget_update"),
    path("budgets/<int:pk>/allocate/", views.AllocationCreateView.as_view(), name="allocation_create"),
    path("allocations/", views.AllocationListView.as_view(), name="allocation_list"),
    path("spending/", views.SpendingListView.as_view(), name="spending_list"),
    path("spending/new/", views.SpendingCreateView.as_view(), name="spending_create"),
    path("spending/<int:pk>/", views.SpendingDetailView.as_view(), name="spending_detail"),
    path("spending/<int:pk>/attachment/", views.spending_attachment, name="spending_attachment"),
    path("reallocations/", views.ReallocationListView.as_view(), name="reallocation_list"),
    path("reallocations/new/", views.ReallocationCreateView.as_view(), name="reallocation_create"),
    path("reallocations/<int:pk>/", views.ReallocationDetailView.as_view(), name="reallocation_detail"),
    path("reallocations/<int:pk>/approve/", views.reallocation_approve, name="reallocation_approve"),
    path("reallocations/<int:pk>/reject/", views.reallocation_reject, name="reallocation_reject"),
    # Assets
    path("assets/", views.AssetListView.as_view(), name="asset_list"),
    path("assets/new/", views.AssetCreateView.as_view(), name="asset_create"),
    path("assets/<int:pk>/", views.AssetDetailView.as_view(), name="asset_detail"),
    path("assets/<int:pk>/edit/", views.AssetUpdateView.as_view(), name="asset_update"),
    path("assets/<int:pk>/transfer/", views.AssetTransferCreateView.as_view(), name="transfer_create"),
    path("transfers/", views.AssetTransferListView.as_view(), name="transfer_list"),
    path("transfers/<int:pk>/", views.AssetTransferDetailView.as_view(), name="transfer_detail"),
    path("transfers/<int:pk>/approve/", views.transfer_approve, name="transfer_approve"),
    path("transfers/<int:pk>/reject/", views.transfer_reject, name="transfer_reject"),
    path("transfers/<int:pk>/receive/", views.transfer_receive, name="transfer_receive"),
    path("transfers/<int:pk>/cancel/", views.transfer_cancel, name="transfer_cancel"),
    # Teaching resources
    path("resources/", views.TeachingResourceListView.as_view(), name="resource_list"),
    path("resources/new/", views.TeachingResourceCreateView.as_view(), name="resource_create"),
    path("resources/<int:pk>/", views.TeachingResourceDetailView.as_view(), name="resource_detail"),
    path("resources/<int:pk>/download/", views.resource_download, name="resource_download"),
    path("resources/<int:pk>/use/", views.resource_use, name="resource_use"),
    path("resources/uses/", views.ResourceUseListView.as_view(), name="use_list"),
    path("resources/sharing/", views.ResourceSharingView.as_view(), name="resource_sharing"),
    path("indicators/", views.IndicatorsView.as_view(), name="indicators"),
]
